"""Fixtures the unit tests of several dimensions share (this folder is on the import path)."""

import pytest
from supersession_examples import CheckSupersession, check_supersession


@pytest.fixture
def supersession() -> CheckSupersession:
    """Checks that a case in a state is superseded exactly when it should be, and resumes."""
    return check_supersession
