#!/usr/bin/env python3
"""Docs that cannot drift (SPEC D1).

  scripts/docs-check.py paths            every repository path a Markdown file names exists
  scripts/docs-check.py extract OUTDIR   the Kotlin and Swift samples of the READMEs, as files
                                          to compile: OUTDIR/kotlin/*.kt, OUTDIR/swift/*.swift

A sample that cannot compile here is preceded by `<!-- not compiled: why -->`, on the line just
before its fence. Rust samples are compiled as doctests (`core/src/lib.rs` includes README.md).
Kotlin samples are compiled against the wrapper by scripts/docs-samples.sh, Swift ones
type-checked against the package.
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE_FILES = ["README.md", "ios/README.md", "android/README.md", "bindings/README.md"]
FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)[^\n]*$")
SKIP = re.compile(r"^<!-- not compiled: (.+) -->$")

# What a path in Markdown looks like: a backticked token with a slash or a known extension.
EXTENSIONS = (".rs", ".kt", ".kts", ".swift", ".sh", ".md", ".toml", ".json", ".pem", ".py",
              ".c", ".h", ".txt", ".yml", ".yaml", ".java", ".pro", ".modulemap")
TICKED = re.compile(r"`([^`\s]+)`")
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")
# Paths that name what a build or a machine makes, not what the repository holds.
NOT_IN_REPO = ("target/", "build/", ".build/", ".tools/", "/", "~", "$", "http:", "https:",
               "../shared", "node_modules", "fuzz/target", "core/fuzz/target", "ios/build/",
               "android/sessionkit/build/")


def markdown_files():
    listed = subprocess.run(["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.split()
    return [ROOT / name for name in listed]


def looks_like_path(token, md_dir):
    if any(c in token for c in "*<>{}()=,;'\"|…") or token.startswith(("-", ".", ":")):
        return False
    if token.startswith(NOT_IN_REPO):
        return False
    if "::" in token or "@" in token:
        return False
    if "/" in token:
        # A path starts with a directory of this repository (`owner/repo`, `sha256/...` and
        # system headers such as `os/log.h` do not), or of the Markdown file's own folder.
        head = token.split("/", 1)[0]
        return (ROOT / head).is_dir() or (md_dir / head).is_dir()
    # A bare file name with an extension of a file this repository could hold (not a
    # system header).
    return token.endswith(EXTENSIONS) and not token.endswith(".h") and "." in token[:-1]


def check_paths():
    checked, missing = 0, []
    for md in markdown_files():
        in_fence = False
        for number, line in enumerate(md.read_text().splitlines(), 1):
            if FENCE.match(line.strip()):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            tokens = [m.group(1) for m in TICKED.finditer(line)]
            tokens += [m.group(1) for m in LINK.finditer(line) if "://" not in m.group(1)]
            for token in tokens:
                token = token.rstrip(".:")
                path = token.split(":")[0]  # `file.rs:12`
                if not looks_like_path(path, md.parent):
                    continue
                checked += 1
                candidates = [ROOT / path, md.parent / path]
                if "/" not in path:
                    # A bare file name: anywhere in the repository.
                    candidates += list(ROOT.glob(f"**/{path}"))[:1]
                if not any(c.exists() for c in candidates):
                    missing.append(f"{md.relative_to(ROOT)}:{number}: {token}")
    return checked, missing


def samples():
    """(file, line, language, code, skip reason or None) for every Kotlin, Swift and Rust fence."""
    found = []
    for name in SAMPLE_FILES:
        lines = (ROOT / name).read_text().splitlines()
        index = 0
        while index < len(lines):
            fence = FENCE.match(lines[index].strip())
            if fence and fence.group(1):
                language = fence.group(1).split(",")[0]
                end = index + 1
                while end < len(lines) and not lines[end].strip().startswith("```"):
                    end += 1
                if language in ("kotlin", "swift", "rust"):
                    previous = lines[index - 1].strip() if index else ""
                    skip = SKIP.match(previous)
                    code = "\n".join(lines[index + 1:end])
                    found.append((name, index + 1, language, code, skip.group(1) if skip else None))
                index = end + 1
            else:
                index += 1
    return found


KOTLIN_GRANTED = "// What the README's sample takes for granted around it.\n"

KOTLIN_PRELUDE = """@file:Suppress("UNUSED_VARIABLE", "UNUSED_PARAMETER", "unused", "RedundantSuppression")
package dev.sessionkit.docs

import dev.sessionkit.*
import dev.sessionkit.okhttp.*
import okhttp3.OkHttpClient

// What the README's sample takes for granted around it.
private val sessions: SessionClient = FakeSessionClient()
private const val stytchSessionJson = "{}"
"""

SWIFT_PRELUDE = """import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SessionKit

// What the README's sample takes for granted around it.
private let sessions: any SessionClient = FakeSessionClient()
private let stytchSessionJSON = "{}"
"""

DECLARATION = re.compile(r"^(suspend fun|fun|class|object|interface|@)")


def extract(outdir):
    outdir = pathlib.Path(outdir)
    for language in ("kotlin", "swift"):
        (outdir / language).mkdir(parents=True, exist_ok=True)
        for old in (outdir / language).iterdir():
            old.unlink()
    counts = {"kotlin": 0, "swift": 0, "rust": 0, "skipped": 0}
    for number, (name, line, language, code, skip) in enumerate(samples(), 1):
        if skip:
            counts["skipped"] += 1
            print(f"  not compiled: {name}:{line} ({language}): {skip}")
            continue
        counts[language] += 1
        origin = f"// {name}, line {line}\n"
        if language == "kotlin":
            # A sample's own imports go first, after the prelude's (Kotlin wants every import
            # before the first declaration).
            imports = [l for l in code.splitlines() if l.startswith("import ")]
            code = "\n".join(l for l in code.splitlines() if not l.startswith("import "))
            body = code if DECLARATION.match(code.lstrip()) else \
                f"private suspend fun sample{number}() {{\n{code}\n}}"
            prelude, declarations = KOTLIN_PRELUDE.split(KOTLIN_GRANTED, 1)
            text = prelude + "\n".join(imports) + "\n" + KOTLIN_GRANTED + declarations + \
                origin + body + "\n"
            (outdir / "kotlin" / f"Sample{number}.kt").write_text(text)
        elif language == "swift":
            imports = [l for l in code.splitlines() if l.startswith("import ")]
            rest = "\n".join(l for l in code.splitlines() if not l.startswith("import "))
            # Everything inside a function: Swift allows local types and functions there,
            # and a file that is not main.swift allows no top-level statements.
            body = f"private func sample{number}() async throws {{\n{rest}\n}}"
            text = SWIFT_PRELUDE + "\n".join(imports) + "\n" + origin + body + "\n"
            (outdir / "swift" / f"Sample{number}.swift").write_text(text)
    print(f"samples: {counts['rust']} Rust (doctests), {counts['kotlin']} Kotlin, "
          f"{counts['swift']} Swift; {counts['skipped']} not compiled, each saying why")
    (outdir / "counts").write_text(
        f"{counts['rust']} {counts['kotlin']} {counts['swift']} {counts['skipped']}\n")


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "paths":
        checked, missing = check_paths()
        for entry in missing:
            print(f"  missing: {entry}")
        print(f"paths: {checked} checked, {len(missing)} missing")
        return 1 if missing else 0
    if len(sys.argv) == 3 and sys.argv[1] == "extract":
        extract(sys.argv[2])
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
