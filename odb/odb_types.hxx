// Database type mappings shared by every persistence record (ODB compiler input; included
// into generated code through --hxx-prologue). Records keep plain C++ types; PostgreSQL does
// the conversions, so no custom value_traits are needed:
//  - UUID and JSONB travel as text (ODB has no usable native UUID id type).
//  - TIMESTAMPTZ travels as int64 microseconds since the Unix epoch. The expressions are exact
//    for |t| < 2^53 us and independent of the session TimeZone (toolchain.md measured both).
#pragma once

// The pragmas below are laid out by hand.
// clang-format off
#pragma db map type("UUID") as("TEXT") to("(?)::UUID") from("(?)::TEXT")
#pragma db map type("JSONB") as("TEXT") to("(?)::JSONB") from("(?)::TEXT")
#pragma db map type("TIMESTAMPTZ") as("BIGINT") \
  to("(TIMESTAMPTZ 'epoch' + (?) * INTERVAL '1 microsecond')") \
  from("(EXTRACT(EPOCH FROM (?)) * 1000000)::BIGINT")
// clang-format on
