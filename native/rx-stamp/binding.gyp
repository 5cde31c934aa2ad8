{
  "targets": [
    {
      "target_name": "rx_stamp",
      "sources": ["rx-stamp.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    },
    {
      "target_name": "udp_batch",
      "sources": ["udp-batch.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
