print("videogen")
