@echo off
rem Runs the Roomcast console apps: roomcast server ^| client ^| bot ^| load ^| gateway ^| --help
rem The first run builds chat-examples\target\roomcast.jar with the Maven wrapper. Needs only a JDK 17.
setlocal
set "DIR=%~dp0"
set "JAR=%DIR%chat-examples\target\roomcast.jar"
if not exist "%JAR%" (
  echo Building roomcast.jar with the Maven wrapper ^(once; about a minute^)... 1>&2
  pushd "%DIR%"
  call mvnw.cmd -q -B -DskipTests -pl chat-examples -am package 1>&2
  if errorlevel 1 ( popd & exit /b 1 )
  popd
)
java -jar "%JAR%" %*
