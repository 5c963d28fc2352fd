# Generates a C++ source defining `signet::storage::NAME` (a
# std::vector<std::string_view>), the SQL migration files of one backend in
# order, so the binary carries its schema.
# Invoked with -DOUT=file.cc -DDIR=migrations-dir -DNAME=kSqliteMigrations;
# files apply in name order.
file(GLOB FILES ${DIR}/*.sql)
list(SORT FILES)
set(content "// Generated from ${DIR} by cmake/embed_files.cmake.\n")
string(APPEND content "#include \"storage/migrations.h\"\nnamespace signet::storage {\n")
string(APPEND content "const std::vector<std::string_view> ${NAME} = {\n")
foreach(f IN LISTS FILES)
  file(READ ${f} sql)
  string(APPEND content "R\"signetsql(${sql})signetsql\",\n")
endforeach()
string(APPEND content "};\n}  // namespace signet::storage\n")
file(WRITE ${OUT}.tmp "${content}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
