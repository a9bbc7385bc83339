"""edgevol-compute: the compute host agent (attach, detach, volume I/O).

Usage (options in ``[compute]`` of edgevol-compute.conf or edgevol.conf)::

    edgevol-compute [--config-file F] attach VOLUME [--mode ro]
    edgevol-compute detach VOLUME
    edgevol-compute write VOLUME --pattern 0xab --offset 0 --length 1M
    edgevol-compute read VOLUME --offset 0 --length 1M [--format hex]
    edgevol-compute verify VOLUME --pattern 0xab --offset 0 --length 1M
    edgevol-compute qemu-filename VOLUME
    edgevol-compute qemu-io VOLUME -c 'read -P 0xab 0 1M' [-c ...]
    edgevol-compute bench VOLUME [--count 500] [--write]

Exit status as ``cmp``: 0 done (or the data matches), 1 ``verify`` found
other data (``qemu-io``: its own status, 1 for a failed command such as a
pattern that does not match), 2 trouble (the message is on stderr).
"""

import argparse
import json
import re
import sys

from oslo_config import cfg
from oslo_log import log as logging

from edgevol.compute import agent as compute_agent
from edgevol.compute import errors
from edgevol.compute import keys
from edgevol.conf import compute as compute_conf

OK, DIFFERENT, TROUBLE = 0, 1, 2
# Larger ranges are summarised by their digest instead.
HEX_LIMIT = 1024 ** 2
_SIZE = re.compile(r"^\s*(\d+)\s*([kmgt]?)i?b?\s*$", re.I)
_UNITS = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4}


def parse_size(text):
    """Bytes of ``"4096"``, ``"4k"``, ``"1M"``, ``"2GiB"`` (powers of 1024,
    as qemu-io reads them)."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError("%r is not a size (e.g. 4096, 64k, 1M, 2G)" % text)
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def parse_pattern(text):
    """A byte value: ``"0xab"``, ``"171"`` or ``"0o253"``."""
    try:
        value = int(text, 0)
    except ValueError:
        value = -1
    if not 0 <= value <= 255:
        raise ValueError("%r is not a byte value (0..255, e.g. 0xab)" % text)
    return value


def _attach(agent, args):
    record = agent.attach(args.volume, args.mode)
    print(json.dumps({"volume_id": record["volume_id"],
                      "attachment_id": record["attachment_id"],
                      "mode": record["mode"]}))
    return OK


def _detach(agent, args):
    if agent.detach(args.volume):
        print("detached %s" % args.volume)
    else:
        print("%s was not attached to this host" % args.volume)
    return OK


def _write(agent, args):
    agent.write(args.volume, args.pattern, args.offset, args.length)
    print("wrote %d bytes of 0x%02x at %d" % (args.length, args.pattern,
                                               args.offset))
    return OK


def _read(agent, args):
    if args.format == "hex":
        if args.length > HEX_LIMIT:
            raise errors.ComputeError("--format hex prints at most %d bytes;"
                                      " use sha256 for more" % HEX_LIMIT)
        print(agent.read(args.volume, args.offset, args.length).hex())
    else:
        print(agent.sha256(args.volume, args.offset, args.length))
    return OK


def _verify(agent, args):
    mismatch = agent.verify(args.volume, args.pattern, args.offset,
                            args.length)
    if mismatch is None:
        print("OK: %d bytes at %d are all 0x%02x" % (
            args.length, args.offset, args.pattern))
        return OK
    at, found = mismatch
    print("MISMATCH at offset %d: 0x%02x, expected 0x%02x" % (
        at, found, args.pattern))
    return DIFFERENT


def _qemu_filename(agent, args):
    print(agent.qemu_filename(args.volume))
    return OK


def _qemu_io(agent, args):
    status, output = agent.qemu_io(args.volume, args.qemu_commands)
    print(output, end="")
    return status


def _bench(agent, args):
    print(json.dumps(agent.bench(args.volume, args.count, args.write)))
    return OK


def _argument_type(parse):
    # argparse shows the message of an ArgumentTypeError; of a ValueError
    # it shows only the function's name.
    def convert(text):
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc
    return convert


def _add_range(parser, pattern):
    size = _argument_type(parse_size)
    if pattern:
        parser.add_argument("--pattern", required=True,
                            type=_argument_type(parse_pattern))
    parser.add_argument("--offset", type=size, default=0)
    parser.add_argument("--length", type=size, required=True)


def _add_commands(subparsers):
    attach = subparsers.add_parser("attach", help="attach a volume here")
    attach.add_argument("volume")
    attach.add_argument("--mode", choices=("rw", "ro"), default="rw")
    attach.set_defaults(func=_attach)
    detach = subparsers.add_parser("detach", help="detach a volume")
    detach.add_argument("volume")
    detach.set_defaults(func=_detach)
    write = subparsers.add_parser("write", help="fill a range with a byte")
    write.add_argument("volume")
    _add_range(write, pattern=True)
    write.set_defaults(func=_write)
    read = subparsers.add_parser("read", help="print a range's sha256")
    read.add_argument("volume")
    _add_range(read, pattern=False)
    read.add_argument("--format", choices=("sha256", "hex"),
                      default="sha256")
    read.set_defaults(func=_read)
    verify = subparsers.add_parser("verify",
                                   help="check a range holds one byte")
    verify.add_argument("volume")
    _add_range(verify, pattern=True)
    verify.set_defaults(func=_verify)
    qemu = subparsers.add_parser("qemu-filename",
                                 help="print the rbd: filename for QEMU")
    qemu.add_argument("volume")
    qemu.set_defaults(func=_qemu_filename)
    qemu_io = subparsers.add_parser(
        "qemu-io", help="run qemu-io commands on the volume as QEMU opens "
        "it here (through LUKS if encrypted); qemu-io's exit status")
    qemu_io.add_argument("volume")
    qemu_io.add_argument("-c", dest="qemu_commands", action="append",
                         required=True, metavar="COMMAND",
                         help="a qemu-io command, e.g. 'read -P 0x5a 0 1M'")
    qemu_io.set_defaults(func=_qemu_io)
    bench = subparsers.add_parser(
        "bench", help="measure IOPS with qemu-io through the volume's "
        "front-end QoS throttle; prints JSON")
    bench.add_argument("volume")
    bench.add_argument("--count", type=int, default=500)
    bench.add_argument("--write", action="store_true")
    bench.set_defaults(func=_bench)


def main(argv=None):
    conf = cfg.ConfigOpts()
    compute_conf.register_opts(conf)
    conf.register_cli_opt(cfg.SubCommandOpt(
        "command", handler=_add_commands, help="What to do."))
    logging.register_options(conf)
    # stdout carries the answers (digests, attachment ids) for scripts.
    conf.set_default("use_stderr", True)
    conf(sys.argv[1:] if argv is None else argv, project="edgevol",
         prog="edgevol-compute")
    logging.setup(conf, "edgevol")
    agent = compute_agent.Agent(conf.compute, keys=keys.HostKeys(conf))
    try:
        return conf.command.func(agent, conf.command)
    except errors.ComputeError as error:
        print("edgevol-compute: %s" % error, file=sys.stderr)
        return TROUBLE


if __name__ == "__main__":
    sys.exit(main())
