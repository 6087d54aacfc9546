// CRASH TEST: `redbox serve` killed with SIGKILL in the middle of a large upload. After a
// restart no partial document is visible, fsck is clean, no temporaries remain, and an upload
// acknowledged before the crash is still there and verifies.
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "api_fixture.h"

extern char** environ;

using namespace redbox;
using namespace redbox::test;

namespace {

// A `redbox serve` child on an ephemeral port; its start-up JSON line gives the port.
class ServeProcess {
 public:
  explicit ServeProcess(const std::string& data) {
    int out[2];
    REQUIRE(pipe(out) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<std::string> args = {redbox_binary().string(), "--data", data, "--json", "serve", "--listen",
                                     "127.0.0.1:0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    std::string line;
    char c = 0;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    auto j = nlohmann::json::parse(line);
    port_ = j["port"].get<int>();
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  void kill_hard() {
    REQUIRE(kill(pid_, SIGKILL) == 0);
    int status = 0;
    waitpid(pid_, &status, 0);
    CHECK(WIFSIGNALED(status));
    pid_ = -1;
  }
  int stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

std::vector<std::filesystem::path> temporaries(const std::filesystem::path& data) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(data / "blobs")) {
    if (e.is_regular_file() && e.path().extension() == ".tmp") out.push_back(e.path());
  }
  return out;
}

}  // namespace

TEST_CASE("SIGKILL mid-upload leaves no partial document and keeps acknowledged ones", "[http][crash]") {
  auto dir = temp_dir();
  const auto data = dir.path() / "data";
  REQUIRE(run_redbox({"--data", data.string(), "init"}).exit_code == 0);
  auto user = run_redbox({"--data", data.string(), "--json", "user", "add", "intake", "--role", "intake"});
  REQUIRE(user.exit_code == 0);
  const std::string token = nlohmann::json::parse(user.out)["token"];
  const std::string acknowledged = read_corpus("corpus/pdfs/tagged.pdf");

  std::string acknowledged_id;
  {
    ServeProcess serve(data.string());
    httplib::Client c("127.0.0.1", serve.port());
    auto res = c.Post("/api/v1/documents", {{"Authorization", "Bearer " + token}, {"X-File-Name", "ok.pdf"}},
                      acknowledged, "application/pdf");
    REQUIRE(res);
    REQUIRE(res->status == 201);
    acknowledged_id = parse_json(res->body)["id"];

    // A 200 MB upload, streamed in 1 MB chunks through a raw socket, killed part way.
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(serve.port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    const std::uint64_t total = 200ULL << 20;
    std::string head = "POST /api/v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                       "\r\nX-File-Name: big.bin\r\nContent-Length: " + std::to_string(total) + "\r\n\r\n";
    REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
    std::string chunk(1 << 20, '\0');
    for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<char>((i * 131) & 0xFF);
    std::uint64_t sent = 0;
    bool temp_seen = false;
    for (int i = 0; i < 60 && !(temp_seen && sent >= (30ULL << 20)); ++i) {
      ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
      REQUIRE(n > 0);
      sent += static_cast<std::uint64_t>(n);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      temp_seen = temp_seen || !temporaries(data).empty();
    }
    REQUIRE(temp_seen);  // the upload really was streaming into the store
    serve.kill_hard();
    ::close(fd);
    CHECK(sent < total);
  }
  CHECK_FALSE(temporaries(data).empty());  // what the killed writer left behind

  // fsck (opening the store removes stale temporaries) is clean; nothing temporary remains.
  auto fsck = run_redbox({"--data", data.string(), "--json", "fsck"});
  INFO(fsck.out << fsck.err);
  CHECK(fsck.exit_code == 0);
  CHECK(temporaries(data).empty());

  // After a restart: exactly the acknowledged document, byte-identical.
  ServeProcess serve(data.string());
  httplib::Client c("127.0.0.1", serve.port());
  httplib::Headers h = {{"Authorization", "Bearer " + token}};
  auto list = c.Get("/api/v1/documents", h);
  REQUIRE(list);
  auto docs = parse_json(list->body)["documents"];
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["id"] == acknowledged_id);
  auto down = c.Get("/api/v1/documents/" + acknowledged_id + "/content", h);
  REQUIRE(down);
  REQUIRE(down->status == 200);
  CHECK(sha256_hex(down->body) == sha256_hex(acknowledged));
  CHECK(serve.stop() == 0);  // SIGTERM: graceful stop, exit 0
}
