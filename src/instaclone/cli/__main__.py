from instaclone.cli.main import main

main()
