#!/usr/bin/env python3
"""judge.py OUT_DIR — reads Valgrind's XML reports (vg.<pid>.xml) and fails when one of
them is verrou's: an error or leak whose stack has a frame in libverrou or in verrou's
sources (src/, capi/, examples/). Other reports (the python interpreter's own) are listed
as context, not judged. Prints every judged report with its stack."""
import glob
import os
import sys
import xml.etree.ElementTree as ET

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OURS_OBJ = ("libverrou.so",)
OURS_DIRS = tuple(os.path.join(REPO, d) for d in ("src", "capi", "examples", "include", "tools"))
# The judge's self-test names its planted program's source file: by name, not by folder, because
# a compiler cache shared between checkouts (ccache base_dir) may hand back an object whose
# debug info names another checkout's folder.
OURS_FILES = tuple(f for f in os.environ.get("VERROU_MEMCHECK_OURS_FILES", "").split(":") if f)


def frames(err):
    out = []
    for stack in err.findall("stack"):
        for f in stack.findall("frame"):
            out.append({k: (f.findtext(k) or "") for k in ("obj", "fn", "dir", "file", "line")})
    return out


def ours(fr):
    if any(fr["obj"].endswith(o) or ("/" + o) in fr["obj"] for o in OURS_OBJ):
        return True
    # ccache's base_dir makes debug-info folders relative ("build/x/../../src"): normalise.
    folder = os.path.normpath(fr["dir"]) + "/" if fr["dir"] else ""
    if fr["file"] and os.path.basename(fr["file"]) in OURS_FILES:
        return True
    return any(folder.startswith(os.path.normpath(d) + "/") for d in OURS_DIRS)


def describe(err):
    what = err.findtext("xwhat/text") or err.findtext("what") or err.findtext("kind")
    lines = ["  %s: %s" % (err.findtext("kind"), what)]
    for fr in frames(err)[:25]:
        where = "%s/%s:%s" % (fr["dir"], fr["file"], fr["line"]) if fr["file"] else fr["obj"]
        lines.append("    %s  %s" % (fr["fn"] or "???", where))
    return "\n".join(lines)


def main():
    out = sys.argv[1]
    files = sorted(glob.glob(os.path.join(out, "vg.*.xml")))
    if not files:
        print("memcheck: no valgrind report was written")
        return 1
    judged, other, processes = [], 0, 0
    for path in files:
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            print("memcheck: %s is not complete XML (%s): a process died under valgrind" % (path, e))
            return 1
        processes += 1
        for err in root.findall("error"):
            if any(ours(f) for f in frames(err)):
                judged.append(describe(err))
            else:
                other += 1
    print("memcheck: %d process(es), %d report(s) in verrou, %d elsewhere (not judged)" % (processes, len(judged), other))
    for j in judged:
        print(j)
    return 1 if judged else 0


if __name__ == "__main__":
    sys.exit(main())
