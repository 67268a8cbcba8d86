"""The shared record comparison asserts in a helper module: let pytest explain its failures too."""

import pytest

pytest.register_assert_rewrite("tests.reports.record_comparison")
