// Why ServerTest.BacksOffWhenOutOfDescriptorsAndRecovers runs without UBSan's
// vptr check in a UBSan build (src/http/CMakeLists.txt): on a miss in its
// type cache the check probes that the vtable is readable by writing it into
// a pipe, and with no descriptor free the pipe fails and a valid object is
// reported as having an invalid vptr. Built only with -fsanitize=undefined.
// If this test fails, the runtime no longer needs a descriptor: the
// http_server_novptr_test copy can go.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <memory>

namespace {

// A type whose virtual call nothing else in this binary makes, so that the
// first call misses UBSan's type cache.
struct Shape {
  virtual ~Shape() = default;
  virtual int Sides() const { return 3; }
};

// Lowers the descriptor limit to the lowest free descriptor: no new
// descriptor can be made, as in the server test.
void LeaveNoDescriptorFree() {
  int lowest_free = ::dup(0);
  ::close(lowest_free);
  rlimit low{};
  ::getrlimit(RLIMIT_NOFILE, &low);
  low.rlim_cur = rlim_t(lowest_free);
  ::setrlimit(RLIMIT_NOFILE, &low);
}

TEST(UbsanVptrDeathTest, AValidObjectIsReportedWhenNoDescriptorIsFree) {
  auto shape = std::make_unique<Shape>();
  Shape* volatile object = shape.get();  // a real virtual call, not devirtualised
  EXPECT_DEATH(
      {
        LeaveNoDescriptorFree();
        (void)object->Sides();
      },
      "object has invalid vptr");
  EXPECT_EQ(object->Sides(), 3);  // with descriptors free: no report
}

}  // namespace
