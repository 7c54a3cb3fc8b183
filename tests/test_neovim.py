"""The Neovim set-up of docs/editors.md, run in a real headless Neovim (skipped without an
``nvim`` of 0.11 or newer on the PATH): the configuration starts ``asynclint server`` and the
fix-on-save autocommand writes the fixed file, not the unfixed one."""

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
vim.cmd("write")
vim.cmd("qall!")
"""


def _recipe() -> str:
    """The 0.11 configuration and the fix-on-save autocommand, as the page gives them."""
    page = (REPO / "docs" / "editors.md").read_text(encoding="utf-8")
    section = page.split("## Neovim", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```lua\n(.*?)```", section, re.DOTALL)
    configuration = next(block for block in blocks if "vim.lsp.enable" in block)
    on_save = next(block for block in blocks if "BufWritePre" in block)
    return configuration + on_save


def test_the_fix_on_save_recipe_writes_the_fixed_file(tmp_path):
    assert NVIM is not None
    (tmp_path / "init.lua").write_text(_recipe(), encoding="utf-8")
    (tmp_path / "save.lua").write_text(_SAVE, encoding="utf-8")
    app = tmp_path / "app.py"
    app.write_text("import time\nasync def f():\n    time.sleep(1)\n", encoding="utf-8")
    fixed = "import time\nimport asyncio\nasync def f():\n    await asyncio.sleep(1)\n"
    scripts = str(Path(sys.executable).parent)  # where `asynclint` is installed
    env = dict(os.environ, PATH=scripts + os.pathsep + os.environ.get("PATH", ""), XDG_STATE_HOME=str(tmp_path))
    result = subprocess.run(
        [NVIM, "--headless", "-n", "-i", "NONE", "-u", "init.lua", "app.py", "-c", "luafile save.lua"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert app.read_text(encoding="utf-8") == fixed
