#include "config.h"
#include "fd-field.h"
