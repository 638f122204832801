"""Constants shared by the plan's models and forms."""

# Stored values: up to 9,999,999,999.9999 — enough for any county figure, with the
# four decimals a 万平方米 value may carry (0.0001 万㎡ = 1 ㎡).
VALUE_MAX_DIGITS = 14
VALUE_DECIMAL_PLACES = 4
MAX_DECIMAL_PLACES = VALUE_DECIMAL_PLACES

QUARTERS = (1, 2, 3, 4)
