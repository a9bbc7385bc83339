#!/usr/bin/env python3
"""Print a short digest of a subunit stream's failed tests (stdin).

CI keeps only the head and the tail of a long log, so run-tests.sh repeats
every failure at the very end: the test id, the last frame of its
traceback and the exception with the first lines of its message.
"""
import sys

import subunit
import testtools

FRAME_LINES = 2
MESSAGE_LINES = 10
WARNINGS_DETAIL = 'service warnings'
"""What functional stacks attach to a failed test (edgevol.tests.
functional.stack.attach_warnings_on_failure): repeated, last lines first
kept."""
WARNING_LINES = 40


def failed_tests(stream):
    """(test id, traceback text, service warnings) of each failed test in
    a subunit v2 stream."""
    failures = []

    def on_test(test):
        if test['status'] not in ('fail', 'uxsuccess'):
            return
        details = test['details']
        text = ''
        for name in ('traceback', 'reason'):
            if name in details:
                text = details[name].as_text()
                break
        warnings = ''
        if WARNINGS_DETAIL in details:
            warnings = details[WARNINGS_DETAIL].as_text()
        failures.append((test['id'], text, warnings))

    case = subunit.ByteStreamToStreamResult(stream, non_subunit_name='stdout')
    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    try:
        case.run(result)
    finally:
        result.stopTestRun()
    return failures


def excerpt(text):
    """The last frame and the exception of the first traceback in
    ``text`` (the cause, when others followed while handling it; its
    message may span lines); ``text``'s end without one."""
    lines = text.rstrip().splitlines()
    starts = [i for i, line in enumerate(lines)
              if line.startswith('Traceback (most recent call last)')]
    if not starts:
        return lines[-MESSAGE_LINES:]
    for i in range(starts[0] + 1, len(lines)):
        if lines[i] and not lines[i].startswith(' '):
            return lines[max(starts[0] + 1, i - FRAME_LINES):
                         i + MESSAGE_LINES]
    return lines[-MESSAGE_LINES:]


def main(label):
    for test_id, text, warnings in failed_tests(sys.stdin.buffer):
        print(f'FAILED ({label}): {test_id}')
        for line in excerpt(text):
            print(f'    {line}')
        if warnings:
            print(f'    -- {WARNINGS_DETAIL} (last {WARNING_LINES}):')
            for line in warnings.splitlines()[-WARNING_LINES:]:
                print(f'    {line}')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'tests')
