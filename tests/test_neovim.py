"""The Neovim set-up of docs/editors.md, run in a real headless Neovim (skipped without an
``nvim`` of 0.11 or newer on the PATH): the configuration starts ``asynclint server``, its
settings reach the server, and the fix-on-save autocommand writes the fixed file, not the
unfixed one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

NVIM = shutil.which("nvim")


def _version(nvim: str) -> tuple[int, int]:
    found = re.search(r"NVIM v(\d+)\.(\d+)", subprocess.run([nvim, "--version"], capture_output=True, text=True).stdout)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


pytestmark = pytest.mark.skipif(
    NVIM is None or _version(NVIM) < (0, 11), reason="needs Neovim 0.11 or newer on the PATH"
)

# waits for the server, writes the buffer (the recipe's BufWritePre runs), then quits
_SAVE = """
local attached = vim.wait(30000, function()
  local client = vim.lsp.get_clients({ bufnr = 0, name = "asynclint" })[1]
  return client ~= nil and client.initialized
end, 50)
if not attached then
  io.stderr:write("asynclint never attached\\n")
  vim.cmd("cquit 3")
end
local written, problem = pcall(vim.cmd, "write")
if not written then
  io.stderr:write(tostring(problem) .. "\\n")
  vim.cmd("cquit 4")
end
vim.cmd("qall!")
"""


# waits for asynclint's diagnostics and writes their codes to codes.txt
_DIAGNOSTICS = """
local found = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local codes = {}
for _, diagnostic in ipairs(vim.diagnostic.get(0)) do
  table.insert(codes, diagnostic.code)
end
table.sort(codes)
vim.fn.writefile({ table.concat(codes, " ") }, "codes.txt")
vim.cmd(found and "qall!" or "cquit 3")
"""
SOURCE = "import time\nasync def f():\n    time.sleep(1)\n"


def _blocks(*marks: str) -> str:
    """The Lua blocks of the page's Neovim section that contain each of ``marks``."""
    page = (REPO / "docs" / "editors.md").read_text(encoding="utf-8")
    section = page.split("## Neovim", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```lua\n(.*?)```", section, re.DOTALL)
    return "".join(next(block for block in blocks if mark in block) for mark in marks)


def _nvim(directory: Path, init: str, script: str) -> None:
    """Edit app.py in a headless Neovim started with ``init``, then run ``script``."""
    assert NVIM is not None
    (directory / "init.lua").write_text(init, encoding="utf-8")
    (directory / "script.lua").write_text(script, encoding="utf-8")
    scripts = str(Path(sys.executable).parent)  # where `asynclint` is installed
    env = dict(os.environ, PATH=scripts + os.pathsep + os.environ.get("PATH", ""), XDG_STATE_HOME=str(directory))
    result = subprocess.run(
        [NVIM, "--headless", "-n", "-i", "NONE", "-u", "init.lua", "app.py", "-c", "luafile script.lua"],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "source, saved",
    [
        (SOURCE, "import asyncio\nasync def f():\n    await asyncio.sleep(1)\n"),
        ("x = 1\n", "x = 1\n"),  # nothing to fix: the server answers null
    ],
)
def test_the_fix_on_save_recipe_writes_the_fixed_file(tmp_path, source, saved):
    app = tmp_path / "app.py"
    app.write_text(source, encoding="utf-8")
    _nvim(tmp_path, _blocks("vim.lsp.enable", "BufWritePre"), _SAVE)
    assert app.read_text(encoding="utf-8") == saved


def test_settings_and_pushed_diagnostics_reach_neovim(tmp_path):
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    _nvim(tmp_path, _blocks("vim.lsp.enable", "settings = { asynclint"), _DIAGNOSTICS)
    assert (tmp_path / "codes.txt").read_text(encoding="utf-8").split() == ["AIO101", "AIO200"]  # AIO101: the setting
