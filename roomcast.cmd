@echo off
rem Runs the Roomcast console apps: roomcast server ^| client ^| bot ^| load ^| gateway ^| --help
rem The first run (or a run after the sources changed) builds chat-examples\target\roomcast.jar with
rem the Maven wrapper. Needs only a JDK 17 (and PowerShell, present on every supported Windows, to see
rem whether the sources changed; without it the jar is built only when missing).
setlocal
set "DIR=%~dp0"
set "JAR=%DIR%chat-examples\target\roomcast.jar"
set "STALE=0"
if not exist "%JAR%" set "STALE=1"
if "%STALE%"=="0" powershell -NoProfile -NonInteractive -Command "$jar = (Get-Item -LiteralPath '%JAR%').LastWriteTimeUtc; foreach ($watched in 'pom.xml', 'chat-core\src\main', 'chat-core\pom.xml', 'chat-examples\src\main', 'chat-examples\pom.xml', 'chat-gateway\src\main', 'chat-gateway\pom.xml', 'chat-cluster\src\main', 'chat-cluster\pom.xml') { $path = Join-Path '%DIR%' $watched; if ((Test-Path -LiteralPath $path) -and (Get-ChildItem -LiteralPath $path -Recurse -File | Where-Object { $_.LastWriteTimeUtc -gt $jar } | Select-Object -First 1)) { exit 1 } }; exit 0"
if "%STALE%"=="0" if errorlevel 1 if not errorlevel 2 set "STALE=1"
if "%STALE%"=="1" (
  echo Building roomcast.jar with the Maven wrapper ^(once; about a minute^)... 1>&2
  pushd "%DIR%"
  call mvnw.cmd -q -B -DskipTests -pl chat-examples -am package 1>&2
  if errorlevel 1 ( popd & exit /b 1 )
  popd
)
java -jar "%JAR%" %*
