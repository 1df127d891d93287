"""Orders from EU authorities: European Production and Preservation Orders (2023/1543),
terrorist-content removal orders (2021/784) and DSA orders (2022/2065, Arts. 9-10)."""
