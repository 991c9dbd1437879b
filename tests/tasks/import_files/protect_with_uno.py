"""Save .doc/.xls copies of files with the opening password "matkhau" (LibreOffice's UNO API).

Run once with the system python3 that has LibreOffice's ``uno`` module, not with the project's:
    python3 protect_with_uno.py small.docx=mat-khau.doc:"MS Word 97" \
        small.xlsx=mat-khau.xls:"MS Excel 97"
"""

import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue

PORT = "socket,host=127.0.0.1,port=2202;urp"


def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def main(jobs):
    profile = tempfile.mkdtemp(prefix="uno-profile-")
    office = subprocess.Popen(  # noqa: S603
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",  # noqa: S607
         f"--accept={PORT};"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(60):
        try:
            context = resolver.resolve(f"uno:{PORT};StarOffice.ComponentContext")
            break
        except Exception:  # noqa: BLE001 (not listening yet)
            time.sleep(0.5)
    manager = context.ServiceManager
    desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    for job in jobs:
        source, rest = job.split("=", 1)
        target, filter_name = rest.split(":", 1)
        url = uno.systemPathToFileUrl(os.path.abspath(source))
        document = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        document.storeToURL(
            uno.systemPathToFileUrl(os.path.abspath(target)),
            (prop("FilterName", filter_name), prop("Password", "matkhau")),
        )
        document.close(True)
    desktop.terminate()
    office.wait(timeout=30)


if __name__ == "__main__":
    main(sys.argv[1:])
