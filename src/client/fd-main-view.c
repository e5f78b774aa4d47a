#include "config.h"

#include "fd-main-view.h"
