# The entry point of every function container (DockerFunctionRuntime passes this file with python3 -c).
#
# It adds a seccomp filter to the engine's default profile, then runs the runner in this same interpreter.
# Filters stack: a call passes only if every filter allows it, so the default profile stays whole. The default
# profile allows ptrace, process_vm_readv and process_vm_writev on kernels since 4.8; a function has no use for
# them, so they fail here with EPERM, as do system calls of any other ABI (i386, x32), which this image never makes.
# If the filter cannot be installed the container exits at once and the instance fails to start: never runs
# without it. Arguments: the runner's path, then the runner's own arguments; or --exec, then a command line to
# execute in place of this interpreter (the nodejs image's node on its runner): the filter stays through the exec.
import ctypes
import os
import runpy
import sys

# Audit architecture and the numbers of ptrace, process_vm_readv, process_vm_writev (linux/audit.h, unistd.h).
NATIVE = {"x86_64": (0xC000003E, (101, 310, 311)), "aarch64": (0xC00000B7, (117, 270, 271))}
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
LOAD_WORD, JUMP_IF_EQUAL, JUMP_IF_AT_LEAST, RETURN = 0x20, 0x15, 0x35, 0x06
ALLOW, FAIL_WITH_EPERM = 0x7FFF0000, 0x00050001
X32_SYSCALL_BIT = 0x40000000


class Instruction(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Instruction))]


def install():
    if os.uname().machine not in NATIVE:
        sys.exit("faas: no seccomp filter for the architecture " + os.uname().machine)
    arch, denied = NATIVE[os.uname().machine]
    program = [
        Instruction(LOAD_WORD, 0, 0, 4),                   # seccomp_data.arch
        Instruction(JUMP_IF_EQUAL, 1, 0, arch),
        Instruction(RETURN, 0, 0, FAIL_WITH_EPERM),        # another ABI
        Instruction(LOAD_WORD, 0, 0, 0),                   # seccomp_data.nr
        Instruction(JUMP_IF_AT_LEAST, len(denied) + 1, 0, X32_SYSCALL_BIT),
    ]
    # Each match jumps over the remaining checks and the ALLOW to the final EPERM.
    program += [Instruction(JUMP_IF_EQUAL, len(denied) - index, 0, number) for index, number in enumerate(denied)]
    program += [Instruction(RETURN, 0, 0, ALLOW), Instruction(RETURN, 0, 0, FAIL_WITH_EPERM)]
    instructions = (Instruction * len(program))(*program)
    libc = ctypes.CDLL(None, use_errno=True)
    # Allowed without privileges because the container runs with no_new_privs.
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(Program(len(program), instructions)), 0, 0):
        sys.exit("faas: cannot install the seccomp filter: errno %d" % ctypes.get_errno())


install()
if sys.argv[1:2] == ["--exec"]:
    os.execvp(sys.argv[2], sys.argv[2:])
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
