#include <stdio.h>

#include "COrionDecimal.h"

int orion_format_scientific(char *buffer, int size, int precision, double value) {
    return snprintf(buffer, (size_t)size, "%.*e", precision, value);
}
