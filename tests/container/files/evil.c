/* A shared object an attacker dropped into a writable directory: its
 * constructor says so when it is loaded. */
#include <unistd.h>

__attribute__((constructor)) static void loaded(void)
{
	static const char msg[] = "EVIL_SO_LOADED\n";
	(void)!write(2, msg, sizeof msg - 1);
}

int evil(void)
{
	return 42;
}
