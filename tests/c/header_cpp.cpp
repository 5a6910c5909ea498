// The header must compile as C++ (checked with g++ -std=c++17 -fsyntax-only),
// also when included twice.
#include "keymsg.h"
#include "keymsg.h"

#include <cstdint>

static_assert(KEYMSG_OK == 0, "KEYMSG_OK is 0");
static_assert(sizeof(keymsg_status) == sizeof(std::uint32_t), "status is 32-bit");

int keymsg_header_cpp_check() {
  keymsg_catalog *cat = nullptr;
  keymsg_status st = keymsg_catalog_default(&cat);
  keymsg_catalog_free(cat);
  return st == KEYMSG_OK ? 0 : 1;
}
