"""The directory core: typed models, the YAML loader and validator, and analyses.

Public interface (see the data contract):

    from directory import load_directory, DirectoryError
"""

from directory.loading.loader import (
    Validation,
    load_directory,
    validate_directory,
)
from directory.model import (
    Address,
    Age,
    Contact,
    ContactRole,
    Department,
    DepartmentKind,
    Directory,
    DirectoryError,
    Location,
    Phone,
    PhoneKind,
    Problem,
    Referral,
    Severity,
    Unit,
)

__all__ = [
    "Address",
    "Age",
    "Contact",
    "ContactRole",
    "Department",
    "DepartmentKind",
    "Directory",
    "DirectoryError",
    "Location",
    "Phone",
    "PhoneKind",
    "Problem",
    "Referral",
    "Severity",
    "Unit",
    "Validation",
    "load_directory",
    "validate_directory",
]
