import sys

from bi.superset.manage import main

sys.exit(main())
