/* seccomp_sys.h - libseccomp's <seccomp.h>.
 *
 * The build passes -Itools, so a plain <seccomp.h> finds tools/seccomp.h
 * (the rule table).  Included as <seccomp_sys.h>, this file is found through
 * -Itools, and #include_next continues the search after tools/: the system
 * header.
 */
#ifndef RAMPART_SECCOMP_SYS_H
#define RAMPART_SECCOMP_SYS_H
#include_next <seccomp.h>
#endif
