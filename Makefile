# objnav_ros: `make demo` runs the main job, `make test` the tests; both set up first.
# Set-up is incremental: stamps in .venv make a second run a fast no-op.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
APT_PACKAGES := libegl1 libegl-mesa0 libgl1-mesa-dri libgles2 libglvnd0
# Loopback-only DDS for everything started from here (tests set their own domain ids).
export ROS_AUTOMATIC_DISCOVERY_RANGE := LOCALHOST
export RMW_IMPLEMENTATION := rmw_fastrtps_cpp
export FASTDDS_DEFAULT_PROFILES_FILE := $(CURDIR)/objnav_ros/resources/fastdds_loopback.xml
export PIP_DISABLE_PIP_VERSION_CHECK := 1

MSG_INPUTS := $(wildcard msg/*.msg) CMakeLists.txt package.xml tools/build_interfaces.py \
	$(wildcard third_party/tf2_msgs/*.* third_party/tf2_msgs/msg/*)

# Upstream ros2 launch / ros2cli / launch_testing sources (not on PyPI), beside the repository.
UPSTREAM := $(abspath $(CURDIR)/../shared/ros2_upstream)
ifneq ($(wildcard $(UPSTREAM)/README.md),)
UPSTREAM_STEP := $(VENV)/.upstream
else
UPSTREAM_STEP := upstream-absent
endif

.PHONY: setup test lint pytest demo bench colcon-check clean base-model experiment upstream-absent

setup: apt $(VENV)/.installed $(UPSTREAM_STEP)

apt:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing Mesa EGL: $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "missing apt packages (headless GL rendering): $$missing"; \
			echo "run: sudo apt-get install -y $$missing"; exit 1; \
		fi; \
	fi

.PHONY: apt

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.deps: requirements.txt | $(VENV)/bin/python
	$(PIP) install --upgrade -q pip setuptools wheel
	$(PIP) install -q -r requirements.txt
	touch $@

objnav_ros/msg/__init__.py: $(MSG_INPUTS) $(VENV)/.deps
	$(PY) tools/build_interfaces.py

$(VENV)/.installed: setup.py config/console_scripts.txt objnav_ros/msg/__init__.py $(VENV)/.deps
	$(PIP) install -q --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.upstream: tools/install_upstream.py objnav_ros/msg/__init__.py \
		$(wildcard $(UPSTREAM)/README.md $(UPSTREAM)/*/setup.py $(UPSTREAM)/*/package.xml)
	$(PY) tools/install_upstream.py $(UPSTREAM)
	touch $@

upstream-absent:
	@echo "NOTE: $(UPSTREAM) is absent: ros2 launch, ros2cli and launch_testing are not" \
		"installed, and the tests that run the launch files with them will be skipped."

lint: setup
	$(VENV)/bin/ruff check .

pytest: setup
	$(PY) -m pytest

test: lint pytest

# The short experiment: small stand-in base (cached in out/base-model/demo) -> report.
demo: setup
	$(PY) -m objnav_ros.apps.experiment --preset demo --out out/demo

# The stand-in base model (up to ~1 h of CPU once; cached in out/base-model/full).
base-model: setup
	$(PY) -m objnav_ros.apps.experiment --stop-after base

# The fine-tuning experiment (README "The experiment"); resumes finished stages.
experiment: setup
	$(PY) -m objnav_ros.apps.experiment

bench: setup
	$(PY) bench/bridge.py --quick
	$(PY) bench/policy.py --quick
	$(PY) bench/frames.py --quick

clean:
	rm -rf build install log objnav_ros/msg objnav_ros/*.so $(VENV)
