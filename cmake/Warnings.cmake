# Strict warnings for project code only; generated ODB code gets its own relaxed flags.
function(authd_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
endfunction()
