// Text checks that keep hostile bytes out of storage (shared/core/encoding.hpp).
#include <gtest/gtest.h>

#include "shared/core/encoding.hpp"

namespace authd {
namespace {

TEST(CleanTextTest, RefusesNulControlsAndInvalidUtf8) {
  EXPECT_TRUE(isCleanText("ada lovelace é 🙂"));
  EXPECT_TRUE(isCleanText(""));
  EXPECT_FALSE(isCleanText(std::string("ad\0a", 4)));
  EXPECT_FALSE(isCleanText("tab\there"));
  EXPECT_FALSE(isCleanText("del\x7f"));
  EXPECT_FALSE(isCleanText("c1 \xc2\x85"));
  EXPECT_FALSE(isCleanText("\xff"));
  EXPECT_FALSE(isCleanText("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(isCleanText("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(isCleanText("\xe2\x82"));      // truncated
}

TEST(RepairTextTest, ReplacesWhatCannotBeStoredAndKeepsTheRest) {
  EXPECT_EQ(repairText("curl/8.0", 512), "curl/8.0");
  EXPECT_EQ(repairText("a\xff"
                       "b",
                       512),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(repairText(std::string("a\0b", 3), 512),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(repairText("\xe2\x82", 512), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_TRUE(isCleanText(repairText("\x01\x02\x80\xc2\x85\xf4\x90\x80\x80", 512)));
}

TEST(RepairTextTest, CutsOnACharacterBoundary) {
  const std::string euro = "\xe2\x82\xac";  // 3 bytes
  EXPECT_EQ(repairText(euro + euro, 5), euro);
  EXPECT_EQ(repairText(euro + euro, 6), euro + euro);
  EXPECT_EQ(repairText(std::string(600, 'x'), 512).size(), 512u);
  EXPECT_EQ(repairText("ab\xff", 4), "ab");  // the replacement would not fit whole
}

}  // namespace
}  // namespace authd
