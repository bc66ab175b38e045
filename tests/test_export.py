"""`aiwf_tui.export` and `aiwf export`: archive + manifest, exclusions, symlinks, overwrite, zip, prometheus."""

from __future__ import annotations

import hashlib
import os
import re
import tarfile
import zipfile
from datetime import date
from pathlib import Path

import pytest

from aiwf_tui.cli import main
from aiwf_tui.errors import AiwfError
from aiwf_tui.export import (
    MANIFEST_NAME,
    default_archive_path,
    export_archive,
    export_prometheus,
    manifest,
    manifest_line,
    plan_export,
    write_archive,
)
from aiwf_tui.layout import LOCK_NAME, PLAN_FILE, TEMP_PREFIX
from tests.helpers import FIXTURES, copy_project
from tests.render_helpers import confirm_file


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(FIXTURES / "already-complete", tmp_path / "work")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def parse_manifest(text: str) -> dict[str, str]:
    result = {}
    for line in text.splitlines():
        digest, name = line.split("  ", 1)
        result[name] = digest
    return result


def extract(archive: Path, dest: Path) -> Path:
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            z.extractall(dest)
    else:
        with tarfile.open(archive) as t:
            t.extractall(dest, filter="data")
    return dest


def check_unpacked(root: Path, unpacked: Path, skip: set[str] = frozenset()) -> dict[str, str]:
    """The archive holds exactly the project's files (under its name) and a correct manifest."""
    folder = unpacked / root.name
    assert [p.name for p in unpacked.iterdir()] == [root.name]
    got = tree(folder)
    listed = parse_manifest(got.pop(MANIFEST_NAME).decode("utf-8"))
    expected = {k: v for k, v in tree(root).items() if k not in skip}
    assert got == expected
    assert listed == {k: hashlib.sha256(v).hexdigest() for k, v in expected.items()}
    return listed


# -- the pure module ---------------------------------------------------------------------------------
def test_plan_export_is_sorted_and_leaves_out_temp_and_lock_files(project):
    (project / f"{TEMP_PREFIX}sidecar.yaml.abc").write_text("half-written")
    (project / "phase-5-operations" / f"{TEMP_PREFIX}operations-plan.yaml.x").write_text("autosave")
    (project / LOCK_NAME).write_text("1234")
    (project / MANIFEST_NAME).write_text("stale manifest")
    files = plan_export(project)
    rels = [p.relative_to(project).as_posix() for p in files]
    assert rels == sorted(rels)
    assert "sidecar.yaml" in rels and "phase-1-feature/templates/.gitkeep" in rels
    assert not any(TEMP_PREFIX in r or r.endswith(LOCK_NAME) or r == MANIFEST_NAME for r in rels)
    assert len(rels) == len(tree(project)) - 4


def test_manifest_is_sha256sum_format(project):
    files = plan_export(project)
    text = manifest(project, files)
    lines = text.splitlines()
    assert len(lines) == len(files)
    digest, name = lines[0].split("  ", 1)
    assert len(digest) == 64 and name == files[0].relative_to(project).as_posix()
    assert digest == hashlib.sha256(files[0].read_bytes()).hexdigest()
    assert manifest_line("ab", "a\\b") == "\\ab  a\\\\b\n"  # sha256sum's escaping


def test_write_archive_roundtrip_tar(project, tmp_path):
    (project / LOCK_NAME).write_text("1234")
    out = write_archive(project, tmp_path / "out" / "p.tar.gz")
    assert out == tmp_path / "out" / "p.tar.gz" and out.is_file()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(TEMP_PREFIX)]
    listed = check_unpacked(project, extract(out, tmp_path / "x"), skip={LOCK_NAME})
    assert "sidecar.yaml" in listed


def test_zip_by_extension(project, tmp_path):
    out = write_archive(project, tmp_path / "p.zip")
    assert zipfile.is_zipfile(out)
    check_unpacked(project, extract(out, tmp_path / "x"))


def test_unknown_extension_refused(project, tmp_path):
    with pytest.raises(AiwfError, match=re.escape("tar.gz")):
        write_archive(project, tmp_path / "p.rar")


def test_no_overwrite_without_force(project, tmp_path):
    out = tmp_path / "p.tar.gz"
    out.write_bytes(b"precious")
    with pytest.raises(AiwfError, match="already exists"):
        write_archive(project, out)
    assert out.read_bytes() == b"precious"
    write_archive(project, out, force=True)
    assert tarfile.is_tarfile(out)


def test_archive_inside_project_is_left_out(project, tmp_path):
    out = project / "exports" / "self.tar.gz"
    result = export_archive(project, out)
    assert out not in result.files
    write_archive(project, out, force=True)  # the old archive is not archived either
    listed = check_unpacked(project, extract(out, tmp_path / "x"), skip={"exports/self.tar.gz"})
    assert "exports/self.tar.gz" not in listed


def test_symlink_escaping_project_is_refused(project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for export")
    (project / "phase-1-feature" / "leak.txt").symlink_to(secret)
    with pytest.raises(AiwfError) as info:
        plan_export(project)
    assert info.value.lines() == [info.value.lines()[0]] and "leads outside the project" in info.value.lines()[0]
    with pytest.raises(AiwfError):
        write_archive(project, tmp_path / "p.tar.gz")
    assert not (tmp_path / "p.tar.gz").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_symlinked_folder_escaping_is_refused(project, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (project / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(AiwfError, match="leads outside"):
        plan_export(project)


def test_symlink_inside_project_is_archived_as_its_content(project, tmp_path):
    (project / "spec-link.md").symlink_to("project-spec.md")
    (project / "phase-link").symlink_to("phase-1-feature", target_is_directory=True)
    rels = [p.relative_to(project).as_posix() for p in plan_export(project)]
    assert "spec-link.md" in rels and not any(r.startswith("phase-link/") for r in rels)
    out = write_archive(project, tmp_path / "p.tar.gz")
    folder = extract(out, tmp_path / "x") / project.name
    assert (folder / "spec-link.md").read_bytes() == (project / "project-spec.md").read_bytes()


def test_default_archive_path_is_beside_the_project(project):
    assert default_archive_path(project, "2026-03-10") == project.parent / "already-complete-phase5-20260310.tar.gz"
    assert default_archive_path(project, date(2026, 1, 2)).name == "already-complete-phase5-20260102.tar.gz"


def write_prometheus(root: Path) -> list[str]:
    folder = root / "phase-5-operations" / "prometheus"
    folder.mkdir(parents=True)
    names = ["alert-rules.yml", "alert-rules.test.yml", "alertmanager.yml", "alertmanager-routes.test.yml"]
    for name in names:
        (folder / name).write_text(f"# {name}\ngroups: []\n")
    (folder / "notes.txt").write_text("not a yml")
    return sorted(names)


def test_export_prometheus(project, tmp_path):
    names = write_prometheus(project)
    out = tmp_path / "monitoring" / "rules"
    written = export_prometheus(project, out)
    assert sorted(p.name for p in written) == names
    assert sorted(p.name for p in out.iterdir()) == names
    (out / "alertmanager.yml").write_text("edited in the monitoring repo\n")
    with pytest.raises(AiwfError, match="already exists"):
        export_prometheus(project, out)
    assert (out / "alertmanager.yml").read_text() == "edited in the monitoring repo\n"
    export_prometheus(project, out, force=True)
    assert (out / "alertmanager.yml").read_text() == "# alertmanager.yml\ngroups: []\n"


def test_export_prometheus_without_files(project, tmp_path):
    with pytest.raises(AiwfError, match="run aiwf render first"):
        export_prometheus(project, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -- the CLI ---------------------------------------------------------------------------------------
def test_cli_default_output_and_no_overwrite(project, tmp_path, capsys):
    assert main(["export", str(project)]) == 0
    out = capsys.readouterr()
    archives = list(project.parent.glob("already-complete-phase5-*.tar.gz"))
    assert len(archives) == 1
    assert re.fullmatch(r"already-complete-phase5-\d{8}\.tar\.gz", archives[0].name)
    assert out.out.strip() == str(archives[0])
    assert "wrote" in out.err
    check_unpacked(project, extract(archives[0], tmp_path / "x"))
    before = archives[0].read_bytes()
    assert main(["export", str(project), "-o", str(archives[0])]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err and "--force" in err
    assert archives[0].read_bytes() == before
    assert main(["export", str(project), "-o", str(archives[0]), "--force"]) == 0


def test_cli_zip(project, tmp_path, capsys):
    assert main(["export", str(project), "-o", str(tmp_path / "a.zip")]) == 0
    assert zipfile.is_zipfile(tmp_path / "a.zip")
    check_unpacked(project, extract(tmp_path / "a.zip", tmp_path / "x"))


def test_cli_symlink_refused_one_line(project, tmp_path, capsys):
    (project / "passwd").symlink_to("/etc/passwd")
    assert main(["export", str(project), "-o", str(tmp_path / "a.tar.gz")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("aiwf export: passwd: is a symbolic link that leads outside the project")
    assert not (tmp_path / "a.tar.gz").exists()


def test_cli_dry_run_writes_nothing(project, tmp_path, capsys):
    (project / LOCK_NAME).write_text("1")
    assert main(["export", str(project), "-o", str(tmp_path / "a.tar.gz"), "--dry-run"]) == 0
    listed = capsys.readouterr().out.split()
    assert "sidecar.yaml" in listed and LOCK_NAME not in listed
    assert not (tmp_path / "a.tar.gz").exists()


def test_cli_prometheus(project, tmp_path, capsys):
    assert main(["export", str(project), "--format", "prometheus", "-o", str(tmp_path / "mon")]) == 1
    err = capsys.readouterr().err
    assert "run aiwf render first" in err and err.count("\n") == 1
    assert main(["export", str(project), "--format", "prometheus"]) == 2
    assert "-o DIR" in capsys.readouterr().err
    names = write_prometheus(project)
    assert main(["export", str(project), "--format", "prometheus", "-o", str(tmp_path / "mon")]) == 0
    assert sorted(p.name for p in (tmp_path / "mon").iterdir()) == names
    for name in names:
        assert (tmp_path / "mon" / name).read_bytes() == (
            project / "phase-5-operations" / "prometheus" / name
        ).read_bytes()


def test_cli_missing_project(tmp_path, capsys):
    assert main(["export", str(tmp_path / "nope")]) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file_is_reported(project, tmp_path):
    bad = project / "phase-1-feature" / "spec.md"
    bad.chmod(0)
    try:
        with pytest.raises(AiwfError, match="cannot be read"):
            write_archive(project, tmp_path / "a.tar.gz")
    finally:
        bad.chmod(0o644)
    assert not (tmp_path / "a.tar.gz").exists()


@pytest.mark.parametrize(
    ("fmt", "rel"),
    [
        ("grafana", "phase-5-operations/grafana/dashboard.json"),
        ("prometheus-operator", "phase-5-operations/prometheus/prometheusrule.yaml"),
    ],
)
def test_cli_grafana_and_prometheus_operator_copy_just_their_file(fixture_copy, tmp_path, capsys, fmt, rel):
    root = fixture_copy("support-rag-bot")
    out = tmp_path / "mon"
    assert main(["export", str(root), "--format", fmt, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "run aiwf render first" in err and rel in err and err.count("\n") == 1
    assert main(["plan", str(root)]) == 0
    confirm_file(root / PLAN_FILE)
    assert main(["render", str(root)]) == 0
    capsys.readouterr()
    assert main(["export", str(root), "--format", fmt, "-o", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == [rel.rsplit("/", 1)[1]]
    assert (out / rel.rsplit("/", 1)[1]).read_bytes() == (root / rel).read_bytes()
    assert main(["export", str(root), "--format", fmt, "-o", str(root / rel.rsplit("/", 1)[0])]) == 1
    assert "already are" in capsys.readouterr().err
