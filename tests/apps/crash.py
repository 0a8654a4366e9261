"""A page that fails with data in its exception (tests/test_production_config.py)."""

raise ValueError("units/x.yaml:3: root:x:0:0:root:/root:/bin/bash")
