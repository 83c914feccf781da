# The Debian package (cpack -G DEB in the build folder): authd_<version>_amd64.deb with the
# binary, a hardened systemd unit, /etc/authd/authd.env (root only, a conffile), the
# migrations the binary embeds (to read), the operator's docs, the Grafana dashboard and the
# Prometheus alert rules. Only the "server" component: the verifier library installs apart.
include(GNUInstallDirs)

install(TARGETS authd RUNTIME DESTINATION bin COMPONENT server)
install(FILES "${CMAKE_SOURCE_DIR}/deploy/systemd/authd.service"
  DESTINATION lib/systemd/system COMPONENT server)
install(FILES "${CMAKE_SOURCE_DIR}/deploy/authd.env" DESTINATION /etc/authd
  PERMISSIONS OWNER_READ OWNER_WRITE COMPONENT server)
install(DIRECTORY "${CMAKE_SOURCE_DIR}/migrations/" DESTINATION share/authd/migrations
  COMPONENT server FILES_MATCHING PATTERN "*.sql")
install(DIRECTORY "${CMAKE_SOURCE_DIR}/deploy/" DESTINATION share/authd/deploy COMPONENT server
  PATTERN "systemd" EXCLUDE PATTERN "debian" EXCLUDE PATTERN "authd.env" EXCLUDE)
install(FILES "${CMAKE_SOURCE_DIR}/README.md" "${CMAKE_SOURCE_DIR}/docs/deployment.md"
  "${CMAKE_SOURCE_DIR}/docs/security.md" "${CMAKE_SOURCE_DIR}/docs/openapi.yaml"
  "${CMAKE_SOURCE_DIR}/docs/verifying-tokens.md"
  DESTINATION share/doc/authd COMPONENT server)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME authd)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "authd maintainers <authd@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "authentication and identity service")
set(CPACK_PACKAGE_DESCRIPTION
  "Registers, logs in, refreshes and logs out users, and signs EdDSA access tokens that other services verify offline from its JWKS. Keeps everything in PostgreSQL.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Only the server component goes in (the verifier library's headers and archives stay out).
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};authd;server;/")
# /etc/authd/authd.env is a conffile: an upgrade never overwrites the operator's values.
file(WRITE "${CMAKE_BINARY_DIR}/debian/conffiles" "/etc/authd/authd.env\n")
# postinst, prerm, postrm: systemd reloads its units, an upgrade restarts a running service,
# a removal stops it (deploy/debian/).
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${CMAKE_BINARY_DIR}/debian/conffiles"
  "${CMAKE_SOURCE_DIR}/deploy/debian/postinst" "${CMAKE_SOURCE_DIR}/deploy/debian/prerm"
  "${CMAKE_SOURCE_DIR}/deploy/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
