"""etc/edgevol/edgevol.conf.sample must match edgevol's options.

Only edgevol's own namespace is compared, section by section: the oslo
libraries' options in the sample move with their versions, ours must not
go stale. Regenerate with ``tox -e genconfig``.
"""

import os
import re
import subprocess
import sys
import tempfile

import testtools

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
SAMPLE = os.path.join(REPO, "etc", "edgevol", "edgevol.conf.sample")


def sections(text):
    """{section name: body} of an ini text."""
    parts = re.split(r"^\[([^\]]+)\]\n", text, flags=re.M)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts), 2)}


class ConfigSampleTest(testtools.TestCase):
    def test_sample_holds_every_edgevol_option_as_generated(self):
        with tempfile.TemporaryDirectory() as tmp:
            output = os.path.join(tmp, "edgevol.conf")
            subprocess.run(
                [sys.executable, "-m", "oslo_config.generator",
                 "--namespace", "edgevol", "--wrap-width", "79",
                 "--output-file", output],
                check=True, capture_output=True)
            with open(output) as fresh:
                generated = sections(fresh.read())
        with open(SAMPLE) as committed:
            sample = committed.read()
        for name, body in generated.items():
            self.assertIn(body, sample,
                          "[%s] of the sample is stale: run tox -e genconfig"
                          % name)
