#include "config.h"
#include "fd-validate.h"
