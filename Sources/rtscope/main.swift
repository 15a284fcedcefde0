print("rtscope")
