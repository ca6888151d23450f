"""tools/error_table.py: the committed generated blocks match include/verrou/error_codes.def,
and the guard does fail on the mistakes it exists to catch (tried on a scratch copy)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(REPO, "tools", "error_table.py")
FILES = ["include/verrou/error_codes.def", "include/verrou.h", "bindings/windev/verrou.wl",
         "bindings/python/verrou.py", "docs/errors.md"]


def run(repo, *args):
    p = subprocess.run([sys.executable, TOOL, "--repo", repo, *args], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


class TestErrorTable(unittest.TestCase):
    def test_committed_tree_is_consistent(self):
        code, out = run(REPO)
        self.assertEqual(code, 0, out)
        self.assertIn("consistent", out)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="verrou-error-table-")
        for rel in FILES:
            os.makedirs(os.path.dirname(os.path.join(self.tmp, rel)), exist_ok=True)
            shutil.copy(os.path.join(REPO, rel), os.path.join(self.tmp, rel))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def edit(self, rel, old, new):
        path = os.path.join(self.tmp, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertIn(old, text, "the scratch copy lacks the text to edit")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new, 1))

    def read(self, rel):
        with open(os.path.join(self.tmp, rel), encoding="utf-8") as f:
            return f.read()

    def test_hand_edited_binding_is_caught_and_rewritten(self):
        self.edit("bindings/python/verrou.py", '"CERT_REVOKED": -309', '"CERT_REVOKED": -319')
        code, out = run(self.tmp)
        self.assertEqual(code, 1, out)
        self.assertIn("bindings/python/verrou.py", out)
        self.assertIn("DIFFERS", out)
        self.assertEqual(run(self.tmp, "--write")[0], 0)
        self.assertIn('"CERT_REVOKED": -309', self.read("bindings/python/verrou.py"))
        self.assertEqual(run(self.tmp)[0], 0)

    def test_new_code_reaches_every_binding_and_needs_a_doc_row(self):
        self.edit("include/verrou/error_codes.def", "VERROU_ERROR(TransactionState, TRANSACTION_STATE, -704)\n",
                  "VERROU_ERROR(TransactionState, TRANSACTION_STATE, -704)\nVERROU_ERROR(SampleNewCode, SAMPLE_NEW_CODE, -719)\n")
        code, out = run(self.tmp, "--write")
        self.assertEqual(code, 1, out)  # the blocks are written, but the doc lacks the row
        self.assertIn("no row for -719 `SAMPLE_NEW_CODE` (under ## SERVER)", out)
        self.assertRegex(self.read("include/verrou.h"), r"#define VERROU_E_SAMPLE_NEW_CODE\s+\(-719\)")
        self.assertIn("\tVERROU_E_SAMPLE_NEW_CODE = -719\n", self.read("bindings/windev/verrou.wl"))
        self.assertIn('"SAMPLE_NEW_CODE": -719,', self.read("bindings/python/verrou.py"))
        self.edit("docs/errors.md", "| -704 |", "| -719 | `SAMPLE_NEW_CODE` | A code added by the test. |\n| -704 |")
        self.assertEqual(run(self.tmp)[0], 0, run(self.tmp)[1])

    def test_doc_row_under_the_wrong_layer(self):
        doc = self.read("docs/errors.md")
        row = re.search(r"^\| -309 \|.*\n", doc, re.M).group(0)
        self.edit("docs/errors.md", row, "")
        self.edit("docs/errors.md", "## NETWORK\n", "## NETWORK\n" + row)
        code, out = run(self.tmp)
        self.assertEqual(code, 1, out)
        self.assertIn("CERT_REVOKED is under ## NETWORK, its layer is CERTIFICATE", out)

    def test_list_mistakes_are_refused(self):
        cases = [
            ("VERROU_ERROR(CertCrl, CERT_CRL, -313)", "VERROU_ERROR(CertCrl, CERT_CRL, -312)", "has the value of CERT_PERMISSIONS"),
            ("VERROU_ERROR(CertCrl, CERT_CRL, -313)", "VERROU_ERROR(CertCrl, CERT_CRL, -413)", "belongs to layer NETWORK"),
            ("VERROU_ERROR(CertCrl, CERT_CRL, -313)", "VERROU_ERROR(CertCrl, CERT_CRL, -1313)", "in no declared layer's block"),
            ("VERROU_ERROR(CertCrl, CERT_CRL, -313)", "VERROU_ERROR(CertCrl, CERT_REVOKED, -315)", "CERT_REVOKED declared twice"),
            ("VERROU_ERROR(CertCrl, CERT_CRL, -313)", "VERROU_ERROR(CertCrl CERT_CRL -313)", "not of the form"),
        ]
        original = self.read("include/verrou/error_codes.def")
        for old, new, expected in cases:
            with self.subTest(new=new):
                try:
                    self.edit("include/verrou/error_codes.def", old, new)
                    code, out = run(self.tmp)
                    self.assertEqual(code, 1, out)
                    self.assertIn(expected, out)
                finally:
                    with open(os.path.join(self.tmp, "include/verrou/error_codes.def"), "w", encoding="utf-8") as f:
                        f.write(original)


if __name__ == "__main__":
    unittest.main()
