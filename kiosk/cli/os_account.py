"""Who runs a command, as the operating system knows them: the account, never an environment variable.

`$USER`, `$LOGNAME` and `%USERNAME%` are whatever the caller sets (getpass.getuser() reads them
first), so an audit row naming them would name whoever someone typed. The account behind the
process is what the system vouches for; the host name says on which PC it ran.
"""

from __future__ import annotations

import os

from kiosk.domain.staff import Actor, Role

UNKNOWN = "unknown"


def os_account() -> str:
    """The name of the operating-system account this process runs as."""
    if os.name == "nt":
        # On Windows CPython's os.getlogin() calls GetUserNameW, which reads the process's token,
        # not %USERNAME%; on POSIX getlogin() reads utmp (the terminal's login), hence pwd there.
        try:
            return os.getlogin() or UNKNOWN
        except OSError:
            return UNKNOWN
    import pwd

    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid with no passwd entry (a bare container): still unique on this PC
        return f"uid {uid}"


def cli_actor() -> Actor:
    """Whoever runs the command line acts as an admin, recorded as their OS account on this PC."""
    from kiosk.services.workstations import this_workstation_name

    return Actor(username=f"cli:{os_account()}"[:64], role=Role.ADMIN, workstation=this_workstation_name())
