/* A program an attacker dropped into a writable directory. */
#include <stdio.h>

int main(void)
{
	puts("DROPPED_BINARY_RAN");
	return 0;
}
