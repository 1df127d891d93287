import os, sys
from exigent_bench_app import create_app as base

def create_app():
    sys.setswitchinterval(float(os.environ.get("SWITCH", "0.005")))
    return base()
