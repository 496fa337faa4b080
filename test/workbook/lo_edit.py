# Edits cells of a workbook inside LibreOffice (UNO, headless) and saves it as .xlsx with LibreOffice's
# own Excel filter: the "changed in another program" half of the round-trip test.
#   /usr/bin/python3 lo_edit.py IN.xlsx OUT.xlsx '[{"sheet": "…", "cell": "K13", "value": "已完成"}]' PROFILE_DIR
# Needs Debian's python3-uno (pulled in by libreoffice-calc-nogui) and the system python3.
import json, os, sys, time, subprocess, uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

src, dst, edits, profile = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
pipe = 'qd_' + str(os.getpid())
office = subprocess.Popen(['soffice', '-env:UserInstallation=' + uno.systemPathToFileUrl(profile), '--headless', '--norestore', '--accept=pipe,name=%s;urp;' % pipe], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext('com.sun.star.bridge.UnoUrlResolver', local)
    for _ in range(300):
        try:
            ctx = resolver.resolve('uno:pipe,name=%s;urp;StarOffice.ComponentContext' % pipe); break
        except NoConnectException:
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext('com.sun.star.frame.Desktop', ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), '_blank', 0, (prop('Hidden', True),))
    for e in edits:
        cell = doc.Sheets.getByName(e['sheet']).getCellRangeByName(e['cell'])
        v = e['value']
        if isinstance(v, (int, float)) and not isinstance(v, bool): cell.setValue(v)
        else: cell.setString(v)
    doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)), (prop('FilterName', 'Calc MS Excel 2007 XML'),))
    doc.close(True)
    try: desktop.terminate()
    except Exception: pass
finally:
    try: office.wait(timeout=20)
    except subprocess.TimeoutExpired: office.kill()
