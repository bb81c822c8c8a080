"""A tiny program for the agent to change: make it greet whoever runs it."""


def greet(name: str = "world") -> str:
    return f"hello, {name}"


if __name__ == "__main__":
    print(greet())
