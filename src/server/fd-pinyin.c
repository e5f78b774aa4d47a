#include "config.h"
#include "fd-pinyin.h"
