#ifndef CORION_DECIMAL_H
#define CORION_DECIMAL_H

/// Writes `value` as C's `%.{precision}e` (the exact binary value correctly rounded to `precision + 1` significant
/// digits) into `buffer` of `size` bytes, and returns what `snprintf` returns: the length of the text, or a negative
/// number on failure. Swift cannot call the variadic `snprintf`, and `vsnprintf` with `withVaList` costs more than the
/// formatting itself.
int orion_format_scientific(char *buffer, int size, int precision, double value);

#endif
