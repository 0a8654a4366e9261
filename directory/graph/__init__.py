"""The referral graph (`analysis`)."""

# The longest loop looked for: the number of loops (and the time) grows about 2.5 times per
# unit of length (2,000 generated units: 3.5 s at 8, 18 s at 10, 47 s at 11).
MAX_LOOP_LEN = 8
