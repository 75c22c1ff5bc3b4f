# Writes vdso32_offsets.h: the image offsets of the symbols ringside needs,
# read from the unstripped vDSO's symbol table with nm.
#   cmake -DSO=vdso32.dbg.so -DOUT=vdso32_offsets.h -P gen_offsets.cmake
execute_process(COMMAND nm ${SO} OUTPUT_VARIABLE syms RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm ${SO} failed")
endif()

set(out "/* Generated from ${SO} by vdso/gen_offsets.cmake: do not edit. */\n")
string(APPEND out "#ifndef RINGSIDE_VDSO32_OFFSETS_H\n#define RINGSIDE_VDSO32_OFFSETS_H\n")
foreach(pair
    "VSYSCALL:__kernel_vsyscall" "PATCH:rs_vsyscall_patch" "INT80:rs_vsyscall_int80"
    "LANDING:int80_landing_pad" "SIGRETURN:__kernel_sigreturn"
    "RT_SIGRETURN:__kernel_rt_sigreturn" "SIGRETURN_LANDING:vdso32_sigreturn_landing_pad"
    "RT_SIGRETURN_LANDING:vdso32_rt_sigreturn_landing_pad" "VVAR:__rs_vvar_page")
  string(REPLACE ":" ";" kv "${pair}")
  list(GET kv 0 macro)
  list(GET kv 1 sym)
  if(NOT syms MATCHES "(^|\n)([0-9a-f]+) [A-Za-z] ${sym}\n")
    message(FATAL_ERROR "symbol ${sym} missing from ${SO}")
  endif()
  set(hex ${CMAKE_MATCH_2})
  if(macro STREQUAL "VVAR")
    # below the image: a negative 32-bit value, kept as the signed offset
    string(APPEND out "#define VDSO32_OFF_${macro} ((int32_t)0x${hex}u)\n")
  else()
    string(APPEND out "#define VDSO32_OFF_${macro} 0x${hex}u\n")
  endif()
endforeach()
string(APPEND out "#endif\n")

file(WRITE ${OUT} "${out}")
