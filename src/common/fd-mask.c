#include "config.h"
#include "fd-mask.h"
