#!/usr/bin/env bash
# Debian's AWS CLI v2 and boto3 for the sandbox's client tests (clients nobody here wrote).
# AWS_CLI_PATH and BOTO3_PYTHON override where the tests look for them.
set -euo pipefail
aws_cli="${AWS_CLI_PATH:-/usr/bin/aws}"
python="${BOTO3_PYTHON:-/usr/bin/python3}"
if [ -x "$aws_cli" ] && "$python" -c 'import boto3' >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli python3-boto3 >/dev/null
  exit 0
fi
echo "The sandbox tests drive the AWS CLI v2 and boto3: run" >&2
echo "'sudo apt-get install -y awscli python3-boto3' (Debian 12+), or set AWS_CLI_PATH to an" >&2
echo "AWS CLI v2 binary and BOTO3_PYTHON to a Python with boto3." >&2
exit 1
