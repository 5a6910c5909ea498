// The header must compile as C++ (checked with g++ -std=c++17 -fsyntax-only
// -Wall -Wextra -Wpedantic -Werror), also when included twice.
#include "keymsg.h"
#include "keymsg.h"

#include <cstdint>

static_assert(KEYMSG_OK == 0, "KEYMSG_OK is 0");
static_assert(sizeof(keymsg_status) == sizeof(std::uint32_t), "status is 32-bit");
static_assert(KEYMSG_CATALOG_INVALID == 106, "codes never change");

int keymsg_header_cpp_check() {
  keymsg_engine *engine = nullptr;
  if (keymsg_engine_new(nullptr, &engine) != KEYMSG_OK) return 1;
  keymsg_footer_request req{};
  req.key = "INV-1";
  req.key_len = 5;
  req.surface = KEYMSG_SURFACE_INVOICE;
  keymsg_result *result = nullptr;
  keymsg_status st = keymsg_engine_footer(engine, &req, &result);
  keymsg_str text = keymsg_result_text(result);
  keymsg_result_free(result);
  keymsg_engine_free(engine);
  return st == KEYMSG_OK && text.len > 0 ? 0 : 1;
}
