#!/usr/bin/env python3
"""Print a short digest of a subunit stream's failed tests (stdin).

CI keeps only the head and the tail of a long log, so run-tests.sh repeats
every failure at the very end: the test id and the last lines of its
traceback, which hold the assertion or the exception.
"""
import sys

import subunit
import testtools

TRACEBACK_TAIL = 8


def failed_tests(stream):
    """(test id, traceback text) of each failed test in a subunit v2 stream."""
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
        failures.append((test['id'], text))

    case = subunit.ByteStreamToStreamResult(stream, non_subunit_name='stdout')
    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    try:
        case.run(result)
    finally:
        result.stopTestRun()
    return failures


def main(label):
    for test_id, text in failed_tests(sys.stdin.buffer):
        print(f'FAILED ({label}): {test_id}')
        for line in text.rstrip().splitlines()[-TRACEBACK_TAIL:]:
            print(f'    {line}')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'tests')
