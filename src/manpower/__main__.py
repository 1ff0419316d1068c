from manpower.cli import main

main()
