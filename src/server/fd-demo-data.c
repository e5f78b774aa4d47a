#include "config.h"
#include "fd-demo-data.h"
