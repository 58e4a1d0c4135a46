# Every dependency is a Debian 12 package installed by scripts/setup.sh.
find_package(OpenSSL 3.0 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
find_package(GTest REQUIRED)
if(SIMBIND_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
