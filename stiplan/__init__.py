"""stiplan: the platform a provincial Department of S&T uses to run its STI plan to 2030."""

import os

# openpyxl reads uploads through defusedxml only when it does not use lxml, and lxml's parser lets
# some damaged sheet XML through. lxml is installed for the Word documents, so openpyxl is told not
# to use it; this runs before any stiplan module imports openpyxl.
os.environ["OPENPYXL_LXML"] = "False"
